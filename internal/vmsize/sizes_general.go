// Rows transcribed from the size tables of the pages named in each block; keep one block per page.

package vmsize

// General-purpose sizes (A, B and D families).
var generalPurpose = []page{
	// A: https://learn.microsoft.com/azure/virtual-machines/sizes-previous-gen
	// (MicrosoftDocs/azure-docs@092fdbcf).
	// Page ms.date 11/01/2020. One "Temp storage (HDD)" figure per size, no disk count.
	{series: "A", path: "sizes-previous-gen", premiumStorage: false, sizes: []row{
		{"Standard_A0", 1, 0.768, tempTotal(20), 0},
		{"Standard_A1", 1, 1.75, tempTotal(70), 0},
		{"Standard_A2", 2, 3.5, tempTotal(135), 0},
		{"Standard_A3", 4, 7, tempTotal(285), 0},
		{"Standard_A4", 8, 14, tempTotal(605), 0},
		{"Standard_A5", 2, 14, tempTotal(135), 0},
		{"Standard_A6", 4, 28, tempTotal(285), 0},
		{"Standard_A7", 8, 56, tempTotal(605), 0},
	}},
	// Av2: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/av2-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	{series: "Av2", path: "sizes/general-purpose/av2-series", premiumStorage: false, sizes: []row{
		{"Standard_A1_v2", 1, 2, tempDisks(1, 10), 0},
		{"Standard_A2_v2", 2, 4, tempDisks(1, 20), 0},
		{"Standard_A4_v2", 4, 8, tempDisks(1, 40), 0},
		{"Standard_A8_v2", 8, 16, tempDisks(1, 80), 0},
		{"Standard_A2m_v2", 2, 16, tempDisks(1, 20), 0},
		{"Standard_A4m_v2", 4, 32, tempDisks(1, 40), 0},
		{"Standard_A8m_v2", 8, 64, tempDisks(1, 80), 0},
	}},
	// Bv1: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/bv1-series
	// (MicrosoftDocs/azure-compute-docs@28da8f72).
	// The Basics table spells the smallest size "Standard_B1ls2"; the CPU Burst table on the
	// same page says "Standard_B1ls"; we record that spelling.
	{series: "Bv1", path: "sizes/general-purpose/bv1-series", premiumStorage: true, sizes: []row{
		{"Standard_B1ls", 1, 0.5, tempDisks(1, 4), 0},
		{"Standard_B1s", 1, 1, tempDisks(1, 4), 0},
		{"Standard_B1ms", 1, 2, tempDisks(1, 4), 0},
		{"Standard_B2s", 2, 4, tempDisks(1, 8), 0},
		{"Standard_B2ms", 2, 8, tempDisks(1, 16), 0},
		{"Standard_B4ms", 4, 16, tempDisks(1, 32), 0},
		{"Standard_B8ms", 8, 32, tempDisks(1, 64), 0},
		{"Standard_B12ms", 12, 48, tempDisks(1, 96), 0},
		{"Standard_B16ms", 16, 64, tempDisks(1, 128), 0},
		{"Standard_B20ms", 20, 80, tempDisks(1, 160), 0},
	}},
	// Bsv2: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/bsv2-series
	// (MicrosoftDocs/azure-compute-docs@2072bfd7).
	{series: "Bsv2", path: "sizes/general-purpose/bsv2-series", premiumStorage: true, sizes: []row{
		{"Standard_B2ts_v2", 2, 1, noTempDisk, 0},
		{"Standard_B2ls_v2", 2, 4, noTempDisk, 0},
		{"Standard_B2s_v2", 2, 8, noTempDisk, 0},
		{"Standard_B4ls_v2", 4, 8, noTempDisk, 0},
		{"Standard_B4s_v2", 4, 16, noTempDisk, 0},
		{"Standard_B8ls_v2", 8, 16, noTempDisk, 0},
		{"Standard_B8s_v2", 8, 32, noTempDisk, 0},
		{"Standard_B16ls_v2", 16, 32, noTempDisk, 0},
		{"Standard_B16s_v2", 16, 64, noTempDisk, 0},
		{"Standard_B32ls_v2", 32, 64, noTempDisk, 0},
		{"Standard_B32s_v2", 32, 128, noTempDisk, 0},
	}},
	// Basv2: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/basv2-series
	// (MicrosoftDocs/azure-compute-docs@2e4af987).
	{series: "Basv2", path: "sizes/general-purpose/basv2-series", premiumStorage: true, sizes: []row{
		{"Standard_B2ats_v2", 2, 1, noTempDisk, 0},
		{"Standard_B2als_v2", 2, 4, noTempDisk, 0},
		{"Standard_B2as_v2", 2, 8, noTempDisk, 0},
		{"Standard_B4als_v2", 4, 8, noTempDisk, 0},
		{"Standard_B4as_v2", 4, 16, noTempDisk, 0},
		{"Standard_B8als_v2", 8, 16, noTempDisk, 0},
		{"Standard_B8as_v2", 8, 32, noTempDisk, 0},
		{"Standard_B16als_v2", 16, 32, noTempDisk, 0},
		{"Standard_B16as_v2", 16, 64, noTempDisk, 0},
		{"Standard_B32als_v2", 32, 64, noTempDisk, 0},
		{"Standard_B32as_v2", 32, 128, noTempDisk, 0},
	}},
	// Bpsv2: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/bpsv2-series
	// (MicrosoftDocs/azure-compute-docs@3b30912d).
	{series: "Bpsv2", path: "sizes/general-purpose/bpsv2-series", premiumStorage: true, sizes: []row{
		{"Standard_B2pts_v2", 2, 1, noTempDisk, 0},
		{"Standard_B2pls_v2", 2, 4, noTempDisk, 0},
		{"Standard_B2ps_v2", 2, 8, noTempDisk, 0},
		{"Standard_B4pls_v2", 4, 8, noTempDisk, 0},
		{"Standard_B4ps_v2", 4, 16, noTempDisk, 0},
		{"Standard_B8pls_v2", 8, 16, noTempDisk, 0},
		{"Standard_B8ps_v2", 8, 32, noTempDisk, 0},
		{"Standard_B16pls_v2", 16, 32, noTempDisk, 0},
		{"Standard_B16ps_v2", 16, 64, noTempDisk, 0},
	}},
	// Dv2: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dv2-series
	// (MicrosoftDocs/azure-compute-docs@2e4af987).
	{series: "Dv2", path: "sizes/general-purpose/dv2-series", premiumStorage: false, sizes: []row{
		{"Standard_D1_v2", 1, 3.5, tempDisks(1, 50), 0},
		{"Standard_D2_v2", 2, 7, tempDisks(1, 100), 0},
		{"Standard_D3_v2", 4, 14, tempDisks(1, 200), 0},
		{"Standard_D4_v2", 8, 28, tempDisks(1, 400), 0},
		{"Standard_D5_v2", 16, 56, tempDisks(1, 800), 0},
	}},
	// Dv2: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/dv2-dsv2-series-memory
	// (MicrosoftDocs/azure-compute-docs@1dc6d3b8).
	// One "Temp storage" figure per size; no disk count is given.
	{series: "Dv2", path: "sizes/memory-optimized/dv2-dsv2-series-memory", premiumStorage: false, sizes: []row{
		{"Standard_D11_v2", 2, 14, tempTotal(100), 0},
		{"Standard_D12_v2", 4, 28, tempTotal(200), 0},
		{"Standard_D13_v2", 8, 56, tempTotal(400), 0},
		{"Standard_D14_v2", 16, 112, tempTotal(800), 0},
		{"Standard_D15_v2", 20, 140, tempTotal(1000), 0},
	}},
	// Dsv2: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv2-series
	// (MicrosoftDocs/azure-compute-docs@ab1d3891).
	// Premium storage: an older revision of this page (17c1b3ba) said "Not Supported"; the later
	// one (ab1d3891) and the memory-optimized page say "Supported".
	{series: "Dsv2", path: "sizes/general-purpose/dsv2-series", premiumStorage: true, sizes: []row{
		{"Standard_DS1_v2", 1, 3.5, tempDisks(1, 7), 0},
		{"Standard_DS2_v2", 2, 7, tempDisks(1, 14), 0},
		{"Standard_DS3_v2", 4, 14, tempDisks(1, 28), 0},
		{"Standard_DS4_v2", 8, 28, tempDisks(1, 56), 0},
		{"Standard_DS5_v2", 16, 56, tempDisks(1, 112), 0},
	}},
	// Dsv2: https://learn.microsoft.com/azure/virtual-machines/sizes/memory-optimized/dv2-dsv2-series-memory
	// (MicrosoftDocs/azure-compute-docs@1dc6d3b8).
	// Cache sizes are the figures in parentheses in the cached-throughput column.
	{series: "Dsv2", path: "sizes/memory-optimized/dv2-dsv2-series-memory", premiumStorage: true, sizes: []row{
		{"Standard_DS11_v2", 2, 14, tempTotal(28), 72},
		{"Standard_DS12_v2", 4, 28, tempTotal(56), 144},
		{"Standard_DS13_v2", 8, 56, tempTotal(112), 288},
		{"Standard_DS14_v2", 16, 112, tempTotal(224), 576},
		{"Standard_DS15_v2", 20, 140, tempTotal(280), 720},
	}},
	// Dv3: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dv3-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Dv3", path: "sizes/general-purpose/dv3-series", premiumStorage: false, sizes: []row{
		{"Standard_D2_v3", 2, 8, tempDisks(1, 50), 0},
		{"Standard_D4_v3", 4, 16, tempDisks(1, 100), 0},
		{"Standard_D8_v3", 8, 32, tempDisks(1, 200), 0},
		{"Standard_D16_v3", 16, 64, tempDisks(1, 400), 0},
		{"Standard_D32_v3", 32, 128, tempDisks(1, 800), 0},
		{"Standard_D48_v3", 48, 192, tempDisks(1, 1200), 0},
		{"Standard_D64_v3", 64, 256, tempDisks(1, 1600), 0},
	}},
	// Dsv3: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv3-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	{series: "Dsv3", path: "sizes/general-purpose/dsv3-series", premiumStorage: true, sizes: []row{
		{"Standard_D2s_v3", 2, 8, tempDisks(1, 16), 50},
		{"Standard_D4s_v3", 4, 16, tempDisks(1, 32), 100},
		{"Standard_D8s_v3", 8, 32, tempDisks(1, 64), 200},
		{"Standard_D16s_v3", 16, 64, tempDisks(1, 128), 400},
		{"Standard_D32s_v3", 32, 128, tempDisks(1, 256), 800},
		{"Standard_D48s_v3", 48, 192, tempDisks(1, 384), 1200},
		{"Standard_D64s_v3", 64, 256, tempDisks(1, 512), 1600},
	}},
	// Dv4: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dv4-series
	// (MicrosoftDocs/azure-compute-docs@3b30912d).
	{series: "Dv4", path: "sizes/general-purpose/dv4-series", premiumStorage: false, sizes: []row{
		{"Standard_D2_v4", 2, 8, noTempDisk, 0},
		{"Standard_D4_v4", 4, 16, noTempDisk, 0},
		{"Standard_D8_v4", 8, 32, noTempDisk, 0},
		{"Standard_D16_v4", 16, 64, noTempDisk, 0},
		{"Standard_D32_v4", 32, 128, noTempDisk, 0},
		{"Standard_D48_v4", 48, 192, noTempDisk, 0},
		{"Standard_D64_v4", 64, 256, noTempDisk, 0},
	}},
	// Dsv4: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv4-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Dsv4", path: "sizes/general-purpose/dsv4-series", premiumStorage: true, sizes: []row{
		{"Standard_D2s_v4", 2, 8, noTempDisk, 0},
		{"Standard_D4s_v4", 4, 16, noTempDisk, 0},
		{"Standard_D8s_v4", 8, 32, noTempDisk, 0},
		{"Standard_D16s_v4", 16, 64, noTempDisk, 0},
		{"Standard_D32s_v4", 32, 128, noTempDisk, 0},
		{"Standard_D48s_v4", 48, 192, noTempDisk, 0},
		{"Standard_D64s_v4", 64, 256, noTempDisk, 0},
	}},
	// Ddv4: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddv4-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Ddv4", path: "sizes/general-purpose/ddv4-series", premiumStorage: false, sizes: []row{
		{"Standard_D2d_v4", 2, 8, tempDisks(1, 75), 0},
		{"Standard_D4d_v4", 4, 16, tempDisks(1, 150), 0},
		{"Standard_D8d_v4", 8, 32, tempDisks(1, 300), 0},
		{"Standard_D16d_v4", 16, 64, tempDisks(1, 600), 0},
		{"Standard_D32d_v4", 32, 128, tempDisks(1, 1200), 0},
		{"Standard_D48d_v4", 48, 192, tempDisks(1, 1800), 0},
		{"Standard_D64d_v4", 64, 256, tempDisks(1, 2400), 0},
	}},
	// Ddsv4: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddsv4-series
	// (MicrosoftDocs/azure-compute-docs@2072bfd7).
	{series: "Ddsv4", path: "sizes/general-purpose/ddsv4-series", premiumStorage: true, sizes: []row{
		{"Standard_D2ds_v4", 2, 8, tempDisks(1, 75), 0},
		{"Standard_D4ds_v4", 4, 16, tempDisks(1, 150), 0},
		{"Standard_D8ds_v4", 8, 32, tempDisks(1, 300), 0},
		{"Standard_D16ds_v4", 16, 64, tempDisks(1, 600), 0},
		{"Standard_D32ds_v4", 32, 128, tempDisks(1, 1200), 0},
		{"Standard_D48ds_v4", 48, 192, tempDisks(1, 1800), 0},
		{"Standard_D64ds_v4", 64, 256, tempDisks(1, 2400), 0},
	}},
	// Dv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dv5-series
	// (MicrosoftDocs/azure-compute-docs@2072bfd7).
	{series: "Dv5", path: "sizes/general-purpose/dv5-series", premiumStorage: false, sizes: []row{
		{"Standard_D2_v5", 2, 8, noTempDisk, 0},
		{"Standard_D4_v5", 4, 16, noTempDisk, 0},
		{"Standard_D8_v5", 8, 32, noTempDisk, 0},
		{"Standard_D16_v5", 16, 64, noTempDisk, 0},
		{"Standard_D32_v5", 32, 128, noTempDisk, 0},
		{"Standard_D48_v5", 48, 192, noTempDisk, 0},
		{"Standard_D64_v5", 64, 256, noTempDisk, 0},
		{"Standard_D96_v5", 96, 384, noTempDisk, 0},
	}},
	// Dsv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv5-series
	// (MicrosoftDocs/azure-compute-docs@005f8f6e).
	{series: "Dsv5", path: "sizes/general-purpose/dsv5-series", premiumStorage: true, sizes: []row{
		{"Standard_D2s_v5", 2, 8, noTempDisk, 0},
		{"Standard_D4s_v5", 4, 16, noTempDisk, 0},
		{"Standard_D8s_v5", 8, 32, noTempDisk, 0},
		{"Standard_D16s_v5", 16, 64, noTempDisk, 0},
		{"Standard_D32s_v5", 32, 128, noTempDisk, 0},
		{"Standard_D48s_v5", 48, 192, noTempDisk, 0},
		{"Standard_D64s_v5", 64, 256, noTempDisk, 0},
		{"Standard_D96s_v5", 96, 384, noTempDisk, 0},
	}},
	// Ddv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddv5-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Ddv5", path: "sizes/general-purpose/ddv5-series", premiumStorage: false, sizes: []row{
		{"Standard_D2d_v5", 2, 8, tempDisks(1, 75), 0},
		{"Standard_D4d_v5", 4, 16, tempDisks(1, 150), 0},
		{"Standard_D8d_v5", 8, 32, tempDisks(1, 300), 0},
		{"Standard_D16d_v5", 16, 64, tempDisks(1, 600), 0},
		{"Standard_D32d_v5", 32, 128, tempDisks(1, 1200), 0},
		{"Standard_D48d_v5", 48, 192, tempDisks(1, 1800), 0},
		{"Standard_D64d_v5", 64, 256, tempDisks(1, 2400), 0},
		{"Standard_D96d_v5", 96, 384, tempDisks(1, 3600), 0},
	}},
	// Ddsv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddsv5-series
	// (MicrosoftDocs/azure-compute-docs@1421aebc).
	{series: "Ddsv5", path: "sizes/general-purpose/ddsv5-series", premiumStorage: true, sizes: []row{
		{"Standard_D2ds_v5", 2, 8, tempDisks(1, 75), 0},
		{"Standard_D4ds_v5", 4, 16, tempDisks(1, 150), 0},
		{"Standard_D8ds_v5", 8, 32, tempDisks(1, 300), 0},
		{"Standard_D16ds_v5", 16, 64, tempDisks(1, 600), 0},
		{"Standard_D32ds_v5", 32, 128, tempDisks(1, 1200), 0},
		{"Standard_D48ds_v5", 48, 192, tempDisks(1, 1800), 0},
		{"Standard_D64ds_v5", 64, 256, tempDisks(1, 2400), 0},
		{"Standard_D96ds_v5", 96, 384, tempDisks(1, 3600), 0},
	}},
	// Dasv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dasv5-series
	// (MicrosoftDocs/azure-compute-docs@2072bfd7).
	{series: "Dasv5", path: "sizes/general-purpose/dasv5-series", premiumStorage: true, sizes: []row{
		{"Standard_D2as_v5", 2, 8, noTempDisk, 0},
		{"Standard_D4as_v5", 4, 16, noTempDisk, 0},
		{"Standard_D8as_v5", 8, 32, noTempDisk, 0},
		{"Standard_D16as_v5", 16, 64, noTempDisk, 0},
		{"Standard_D32as_v5", 32, 128, noTempDisk, 0},
		{"Standard_D48as_v5", 48, 192, noTempDisk, 0},
		{"Standard_D64as_v5", 64, 256, noTempDisk, 0},
		{"Standard_D96as_v5", 96, 384, noTempDisk, 0},
	}},
	// Dadsv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dadsv5-series
	// (MicrosoftDocs/azure-compute-docs@3b30912d).
	{series: "Dadsv5", path: "sizes/general-purpose/dadsv5-series", premiumStorage: true, sizes: []row{
		{"Standard_D2ads_v5", 2, 8, tempDisks(1, 75), 0},
		{"Standard_D4ads_v5", 4, 16, tempDisks(1, 150), 0},
		{"Standard_D8ads_v5", 8, 32, tempDisks(1, 300), 0},
		{"Standard_D16ads_v5", 16, 64, tempDisks(1, 600), 0},
		{"Standard_D32ads_v5", 32, 128, tempDisks(1, 1200), 0},
		{"Standard_D48ads_v5", 48, 192, tempDisks(1, 1800), 0},
		{"Standard_D64ads_v5", 64, 256, tempDisks(1, 2400), 0},
		{"Standard_D96ads_v5", 96, 384, tempDisks(1, 3600), 0},
	}},
	// Dpsv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dpsv5-series
	// (MicrosoftDocs/azure-compute-docs@2072bfd7).
	// Standard_D64ps_v5 has 208 GiB, not 4 GiB per vCPU.
	{series: "Dpsv5", path: "sizes/general-purpose/dpsv5-series", premiumStorage: true, sizes: []row{
		{"Standard_D2ps_v5", 2, 8, noTempDisk, 0},
		{"Standard_D4ps_v5", 4, 16, noTempDisk, 0},
		{"Standard_D8ps_v5", 8, 32, noTempDisk, 0},
		{"Standard_D16ps_v5", 16, 64, noTempDisk, 0},
		{"Standard_D32ps_v5", 32, 128, noTempDisk, 0},
		{"Standard_D48ps_v5", 48, 192, noTempDisk, 0},
		{"Standard_D64ps_v5", 64, 208, noTempDisk, 0},
	}},
	// Dpdsv5: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dpdsv5-series
	// (MicrosoftDocs/azure-compute-docs@2072bfd7).
	// Standard_D64pds_v5 has 208 GiB, not 4 GiB per vCPU.
	{series: "Dpdsv5", path: "sizes/general-purpose/dpdsv5-series", premiumStorage: true, sizes: []row{
		{"Standard_D2pds_v5", 2, 8, tempDisks(1, 75), 0},
		{"Standard_D4pds_v5", 4, 16, tempDisks(1, 150), 0},
		{"Standard_D8pds_v5", 8, 32, tempDisks(1, 300), 0},
		{"Standard_D16pds_v5", 16, 64, tempDisks(1, 600), 0},
		{"Standard_D32pds_v5", 32, 128, tempDisks(1, 1200), 0},
		{"Standard_D48pds_v5", 48, 192, tempDisks(1, 1800), 0},
		{"Standard_D64pds_v5", 64, 208, tempDisks(1, 2400), 0},
	}},
	// Dsv6: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dsv6-series
	// (MicrosoftDocs/azure-compute-docs@05e75b14).
	{series: "Dsv6", path: "sizes/general-purpose/dsv6-series", premiumStorage: true, sizes: []row{
		{"Standard_D2s_v6", 2, 8, noTempDisk, 0},
		{"Standard_D4s_v6", 4, 16, noTempDisk, 0},
		{"Standard_D8s_v6", 8, 32, noTempDisk, 0},
		{"Standard_D16s_v6", 16, 64, noTempDisk, 0},
		{"Standard_D32s_v6", 32, 128, noTempDisk, 0},
		{"Standard_D48s_v6", 48, 192, noTempDisk, 0},
		{"Standard_D64s_v6", 64, 256, noTempDisk, 0},
		{"Standard_D96s_v6", 96, 384, noTempDisk, 0},
		{"Standard_D128s_v6", 128, 512, noTempDisk, 0},
		{"Standard_D192s_v6", 192, 768, noTempDisk, 0},
	}},
	// Ddsv6: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/ddsv6-series
	// (MicrosoftDocs/azure-compute-docs@0e232f5f).
	// Several NVMe temp disks per size; the Dadsv6 page states total = count x size.
	{series: "Ddsv6", path: "sizes/general-purpose/ddsv6-series", premiumStorage: true, sizes: []row{
		{"Standard_D2ds_v6", 2, 8, tempDisks(1, 110), 0},
		{"Standard_D4ds_v6", 4, 16, tempDisks(1, 220), 0},
		{"Standard_D8ds_v6", 8, 32, tempDisks(1, 440), 0},
		{"Standard_D16ds_v6", 16, 64, tempDisks(2, 440), 0},
		{"Standard_D32ds_v6", 32, 128, tempDisks(4, 440), 0},
		{"Standard_D48ds_v6", 48, 192, tempDisks(6, 440), 0},
		{"Standard_D64ds_v6", 64, 256, tempDisks(4, 880), 0},
		{"Standard_D96ds_v6", 96, 384, tempDisks(6, 880), 0},
		{"Standard_D128ds_v6", 128, 512, tempDisks(4, 1760), 0},
	}},
	// Dasv6: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dasv6-series
	// (MicrosoftDocs/azure-compute-docs@0105af06).
	{series: "Dasv6", path: "sizes/general-purpose/dasv6-series", premiumStorage: true, sizes: []row{
		{"Standard_D2as_v6", 2, 8, noTempDisk, 0},
		{"Standard_D4as_v6", 4, 16, noTempDisk, 0},
		{"Standard_D8as_v6", 8, 32, noTempDisk, 0},
		{"Standard_D16as_v6", 16, 64, noTempDisk, 0},
		{"Standard_D32as_v6", 32, 128, noTempDisk, 0},
		{"Standard_D48as_v6", 48, 192, noTempDisk, 0},
		{"Standard_D64as_v6", 64, 256, noTempDisk, 0},
		{"Standard_D96as_v6", 96, 384, noTempDisk, 0},
	}},
	// Dadsv6: https://learn.microsoft.com/azure/virtual-machines/sizes/general-purpose/dadsv6-series
	// (MicrosoftDocs/azure-compute-docs@1827cf35).
	// "Total local temporary storage is calculated by multiplying the max number of storage
	// disks with the temp disk size."
	{series: "Dadsv6", path: "sizes/general-purpose/dadsv6-series", premiumStorage: true, sizes: []row{
		{"Standard_D2ads_v6", 2, 8, tempDisks(1, 110), 0},
		{"Standard_D4ads_v6", 4, 16, tempDisks(1, 220), 0},
		{"Standard_D8ads_v6", 8, 32, tempDisks(1, 440), 0},
		{"Standard_D16ads_v6", 16, 64, tempDisks(2, 440), 0},
		{"Standard_D32ads_v6", 32, 128, tempDisks(4, 440), 0},
		{"Standard_D48ads_v6", 48, 192, tempDisks(6, 440), 0},
		{"Standard_D64ads_v6", 64, 256, tempDisks(4, 880), 0},
		{"Standard_D96ads_v6", 96, 384, tempDisks(6, 880), 0},
	}},
}
